package org.codaasr.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.codaasr.ingest.WebSocketPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Who may stream audio to a WebSocket source and how much: the options {@code ingest}, {@code liveview} and
 * {@code demo} share. */
public final class AudioSocketOptions {

    /** Environment variable that holds the token when no file names it. */
    static final String TOKEN_VARIABLE = "ASR_WEBSOCKET_TOKEN";

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Audio clients must present the token in this file (Authorization: Bearer, or ?token=); "
                    + "the environment variable " + TOKEN_VARIABLE + " works too.")
    Path tokenFile;

    @Option(names = "--no-auth", description = "Let any client in without a token (a local demo; only with a "
            + "loopback --listen).")
    boolean noAuth;

    @Option(names = "--listen", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address the page, its audio socket and the protocol ports listen on (default: "
                    + "${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface, which needs a token).")
    String listen;

    @Option(names = "--max-stream-seconds", defaultValue = "3600",
            description = "Longest audio stream a client may send, then it is ended (default: ${DEFAULT-VALUE}).")
    double maxStreamSeconds;

    @Option(names = "--max-streams-per-client", defaultValue = "4",
            description = "Audio streams one client address may have open (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerClient;

    @Option(names = "--max-idle-seconds", defaultValue = "" + WebSocketPolicy.DEFAULT_MAX_IDLE_SECONDS,
            description = "An audio client that sends nothing for this long has its stream ended and is closed "
                    + "(default: ${DEFAULT-VALUE}).")
    double maxIdleSeconds;

    /** The {@code --listen} address. */
    InetAddress listenAddress(CommandSpec spec) {
        return address(spec, "--listen", listen);
    }

    /** The address an option names, or a usage error naming the option. */
    static InetAddress address(CommandSpec spec, String option, String value) {
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), option + " " + value + ": not an address of this "
                    + "machine (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The policy these options give. Without a token and without {@code --no-auth}, {@code generate} decides: a
     * fresh random token (a page prints its address with it), or an error naming the options.
     */
    WebSocketPolicy policy(CommandSpec spec, boolean generate) {
        String token = System.getenv(TOKEN_VARIABLE);
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --token-file " + tokenFile + ": "
                        + e.getMessage(), e);
            }
        }
        if (token != null && !token.isBlank() && noAuth) {
            throw new ParameterException(spec.commandLine(), "give a token or --no-auth, not both");
        }
        if (noAuth && !listenAddress(spec).isLoopbackAddress()) {
            throw new ParameterException(spec.commandLine(), "--no-auth only works with a loopback --listen "
                    + "(127.0.0.1): on " + listen + " every client would get in without a token");
        }
        if (token == null || token.isBlank()) {
            if (noAuth) {
                token = null;
            } else if (generate) {
                token = randomToken();
            } else {
                throw new ParameterException(spec.commandLine(), "audio clients need a token: --token-file FILE or "
                        + TOKEN_VARIABLE + ", or --no-auth to let any client in (a local demo)");
            }
        }
        try {
            return (token == null ? WebSocketPolicy.anonymous() : WebSocketPolicy.withToken(token))
                    .withLimits(WebSocketPolicy.DEFAULT_MAX_MESSAGE_BYTES, maxStreamSeconds, maxStreamsPerClient)
                    .withMaxIdleSeconds(maxIdleSeconds);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
