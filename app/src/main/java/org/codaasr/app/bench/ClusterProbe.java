package org.codaasr.app.bench;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.codaasr.model.AsrException;

/** What the fault scenarios ask the cluster (Kafka's Admin client): leaders, coordinators, in-sync replicas. */
final class ClusterProbe implements AutoCloseable {

    private final Admin admin;

    ClusterProbe(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
    }

    /** The partition of {@code topic} holding the most records, and its leader's node id. */
    TopicPartitionInfo busiestPartition(String topic) {
        TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(admin.listOffsets(latest).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        return d.partitions().stream()
                .max(Comparator.comparingLong(p -> ends.get(new TopicPartition(topic, p.partition()))))
                .orElseThrow();
    }

    /**
     * The node id of the transaction coordinator of the recognition application {@code applicationId}'s producers
     * (exactly-once v2: transactional ids {@code <applicationId>-<process id>-<thread>}), the first one listed.
     */
    int transactionCoordinator(String applicationId) {
        List<String> ids = get(admin.listTransactions().all()).stream().map(TransactionListing::transactionalId)
                .filter(id -> id.startsWith(applicationId + "-") && !id.startsWith(applicationId + "-wer-"))
                .sorted().toList();
        if (ids.isEmpty()) {
            throw new AsrException("no transactional producer of " + applicationId + " is known to the cluster");
        }
        Map<String, TransactionDescription> d = get(admin.describeTransactions(ids).all());
        return d.get(ids.get(0)).coordinatorId();
    }

    /** The node id of consumer group {@code group}'s coordinator. */
    int groupCoordinator(String group) {
        return describeGroup(group).coordinator().id();
    }

    /** The partitions of {@code topic} assigned to members of {@code group} connecting from {@code host}. */
    Set<Integer> partitionsOfMembersFrom(String group, String topic, String host) {
        Set<Integer> partitions = new TreeSet<>();
        for (MemberDescription m : describeGroup(group).members()) {
            if (m.host().contains(host)) {
                m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                        .forEach(tp -> partitions.add(tp.partition()));
            }
        }
        return partitions;
    }

    /**
     * Waits until every partition of every topic, the internal ones too, has all its replicas in sync; returns
     * whether that happened within {@code timeout}.
     */
    boolean awaitIsrFull(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS);
                boolean full = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()
                        .stream().flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size());
                if (full) {
                    return true;
                }
            } catch (ExecutionException | TimeoutException notYet) {
                // a node is still starting
            }
            Thread.sleep(500);
        }
        return false;
    }

    private ConsumerGroupDescription describeGroup(String group) {
        return get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while asking the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AsrException("the cluster did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
