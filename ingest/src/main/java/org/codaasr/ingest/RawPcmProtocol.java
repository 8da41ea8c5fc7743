package org.codaasr.ingest;

import java.nio.ByteBuffer;
import org.java_websocket.framing.CloseFrame;

/**
 * The page's protocol: binary messages of 16 kHz mono 16-bit little-endian PCM, the text message {@code END} or
 * closing the socket ends the stream normally; nothing is answered (results come from the page's own feed).
 */
public final class RawPcmProtocol implements AudioProtocol {

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public Session open(AudioConnection connection) {
        return new Session() {
            @Override
            public void onText(String message) {
                if ("END".equals(message.strip())) {
                    connection.end();
                    connection.close(CloseFrame.NORMAL, "end of stream");
                } else {
                    connection.close(CloseFrame.REFUSE, "expected binary PCM or the text message END");
                }
            }

            @Override
            public void onBinary(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                if (!connection.audio(bytes)) {
                    connection.close(CloseFrame.POLICY_VALIDATION, "stream " + connection.streamId()
                            + " already ended");
                }
            }

            @Override
            public void onClose(int code, String reason) {
                connection.end();
            }
        };
    }
}
