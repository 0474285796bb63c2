package io.kerec.ingest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node KRaft broker in the test JVM, with the engine's topics created. */
public final class TestKafka {
  private TestKafka() {
  }

  /**
   * Starts a combined broker/controller. {@code offsets.topic.replication.factor=1}: without it the consumer group
   * coordinator never comes up on one broker and consumers read nothing.
   *
   * @param topics topic name to partition count
   * @return the running cluster; close it
   */
  public static KafkaClusterTestKit start(Map<String, Integer> topics) throws Exception {
    KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "3")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(topics.entrySet().stream()
              .map(t -> new NewTopic(t.getKey(), t.getValue(), (short) 1)).toList())
          .all().get(60, TimeUnit.SECONDS);
    }
    return kafka;
  }
}
