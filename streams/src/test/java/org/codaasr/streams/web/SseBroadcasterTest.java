package org.codaasr.streams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseBroadcasterTest {

    @Test
    void frameIsAnEventLineADataLineAndABlankLine() {
        assertEquals("event: wer\ndata: {\"wer\":1.5}\n\n", SseBroadcaster.frame("wer", "{\"wer\":1.5}"));
    }

    @Test
    void aClientThatFallsTooFarBehindIsDisconnected() {
        try (SseBroadcaster events = new SseBroadcaster()) {
            assertNotNull(events.subscribe(SseBroadcaster.frame("snapshot", "{}")));
            for (int i = 0; i < SseBroadcaster.QUEUE_CAPACITY - 2; i++) {
                events.publish(SseBroadcaster.frame("dlq", "{}"));
            }
            assertEquals(1, events.clientCount(), "the snapshot plus capacity - 2 events still fit");
            events.publish(SseBroadcaster.frame("dlq", "{}"));
            events.publish(SseBroadcaster.frame("dlq", "{}"));
            assertEquals(0, events.clientCount());
        }
    }

    @Test
    void refusesClientsBeyondTheLimitAndAfterClose() {
        SseBroadcaster events = new SseBroadcaster();
        List<SseBroadcaster.Client> clients = new ArrayList<>();
        for (int i = 0; i < SseBroadcaster.MAX_CLIENTS; i++) {
            clients.add(events.subscribe("x"));
        }
        assertEquals(SseBroadcaster.MAX_CLIENTS, clients.stream().filter(c -> c != null).count());
        assertNull(events.subscribe("x"));
        events.close();
        assertEquals(0, events.clientCount());
        assertNull(events.subscribe("x"));
    }
}
