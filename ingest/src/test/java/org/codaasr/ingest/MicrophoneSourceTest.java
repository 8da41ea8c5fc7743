package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.Test;

class MicrophoneSourceTest {

    @Test
    void failsClearlyWithoutACaptureDevice() {
        assumeFalse(AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, MicrophoneSource.FORMAT)),
                "this machine has a microphone");
        AudioDeviceUnavailableException e = assertThrows(AudioDeviceUnavailableException.class, MicrophoneSource::open);
        assertTrue(e.getMessage().contains("no audio capture device supports"), e.getMessage());
        assertTrue(e.getMessage().contains("16000"), e.getMessage());
    }
}
