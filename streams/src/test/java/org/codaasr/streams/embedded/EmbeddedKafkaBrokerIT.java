package org.codaasr.streams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.codaasr.messages.AsrSerdes;
import org.codaasr.messages.AudioChunk;
import org.codaasr.messages.AudioEncoding;
import org.codaasr.messages.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(Map.of(Topics.AUDIO, 2, Topics.DLQ, 1));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void createsTopicsWithTheRequestedPartitions() throws Exception {
        try (Admin admin = broker.admin()) {
            var descriptions = admin.describeTopics(Set.of(Topics.AUDIO, Topics.DLQ)).allTopicNames().get();
            assertEquals(2, descriptions.get(Topics.AUDIO).partitions().size());
            assertEquals(1, descriptions.get(Topics.DLQ).partitions().size());
        }
        broker.createTopics(Map.of(Topics.AUDIO, 2)); // existing topics are left alone
    }

    @Test
    void transactionalProducerAndReadCommittedConsumerRoundTripAudioChunks() {
        List<AudioChunk> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(new AudioChunk("stream-a", i, 16000, AudioEncoding.PCM_S16LE,
                    AudioChunk.encodeS16le(new float[] {i / 10f, -i / 10f}, 0, 2), i == 4, "utt-a", 1000L + i));
        }
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-it-tx",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), AsrSerdes.audioChunk().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.AUDIO, "stream-a", sent.get(0)));
            producer.abortTransaction(); // read_committed must never see this one
            producer.beginTransaction();
            for (AudioChunk chunk : sent) {
                producer.send(new ProducerRecord<>(Topics.AUDIO, chunk.streamId(), chunk));
            }
            producer.commitTransaction();
        }

        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "embedded-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<AudioChunk> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), AsrSerdes.audioChunk().deserializer())) {
            consumer.subscribe(List.of(Topics.AUDIO));
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.size() < sent.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, AudioChunk> record : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals(record.value().streamId(), record.key());
                    received.add(record.value());
                }
            }
            // one more poll: nothing beyond the committed five may show up
            consumer.poll(Duration.ofMillis(300)).forEach(record -> received.add(record.value()));
        }
        assertEquals(sent, received);
    }

    @Test
    void fixedPortBrokerClosesAndDeletesItsLogDirectoryIdempotently() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(port, Map.of("num.partitions", "2"));
        assertEquals("127.0.0.1:" + port, second.bootstrapServers());
        Path logDir;
        try (Admin admin = second.admin()) {
            assertFalse(admin.describeCluster().nodes().get().isEmpty());
            var brokerConfig = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.BROKER, "1");
            assertEquals("2", admin.describeConfigs(List.of(brokerConfig)).all().get().get(brokerConfig)
                    .get("num.partitions").value());
            logDir = Path.of(admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1).keySet().iterator().next());
        }
        assertTrue(Files.isDirectory(logDir));
        second.close();
        second.close();
        assertFalse(Files.exists(logDir));
    }

    @Test
    void aBrokerOnADataDirectoryRestartsWithItsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
        int[] ports = new int[2];
        for (int i = 0; i < 2; i++) {
            try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports[i] = socket.getLocalPort();
            }
        }
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.startPersistent(dataDir, ports[0], ports[1])) {
            first.createTopics(Map.of("kept", 2));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "before the restart")).get();
            }
        }
        assertTrue(Files.isRegularFile(dataDir.resolve("meta.properties")), "the data directory is kept");
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.startPersistent(dataDir, ports[0], ports[1]);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            try (Admin admin = again.admin()) {
                assertEquals(2, admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept")
                        .partitions().size());
            }
            consumer.subscribe(List.of("kept"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
            }
            assertEquals(List.of("before the restart"), values);
        }
    }
}
