package org.codaasr.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.codaasr.messages.KafkaClientProperties;
import org.codaasr.messages.Topics;
import org.codaasr.model.AsrException;

/**
 * Creates the pipeline's topics when they are missing. Transcripts and references share a partition count because
 * the WER topology joins them by stream id.
 */
public final class TopicSetup {

    private TopicSetup() {}

    /** Partition counts per topic for a pipeline that scales to {@code partitions} recognition tasks. */
    public static Map<String, Integer> layout(int partitions) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(Topics.AUDIO, partitions);
        m.put(Topics.REFERENCES, partitions);
        m.put(Topics.TRANSCRIPTS, partitions);
        m.put(Topics.WER, partitions);
        m.put(Topics.WER_AGGREGATES, 1);
        m.put(Topics.DLQ, 1);
        return m;
    }

    /** Creates whichever of {@link #layout} is missing; existing topics are left as they are. */
    public static void ensure(String bootstrapServers, int partitions, short replication) {
        ensure(bootstrapServers, KafkaClientProperties.NONE, partitions, replication);
    }

    /** {@link #ensure(String, int, short)} on a cluster that needs the {@code client} security settings. */
    public static void ensure(String bootstrapServers, KafkaClientProperties client, int partitions,
            short replication) {
        Map<String, Object> config = client.applyTo(new HashMap<>());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            layout(partitions).forEach((name, n) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, n, replication));
                }
            });
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while creating topics on " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AsrException("cannot create topics on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }
}
