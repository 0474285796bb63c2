package io.kerec.store;

import java.nio.file.Path;

/** The {@code cassandra.yaml} of the local node: loopback only, files under its directory, small settings. */
final class CassandraYaml {
  private CassandraYaml() {
  }

  static String render(Path dir, int nativePort, int storagePort) {
    return """
        # Written by Kerec (./kerec cassandra) at every start; edits here are replaced.
        cluster_name: kerec-local
        num_tokens: 16
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        data_file_directories: [%1$s/data]
        commitlog_directory: %1$s/commitlog
        saved_caches_directory: %1$s/saved_caches
        hints_directory: %1$s/hints
        cdc_raw_directory: %1$s/cdc_raw
        # commit log synced every 10 s, Cassandra's default: a crash of the machine may lose the last seconds
        commitlog_sync: periodic
        commitlog_sync_period: 10000ms
        seed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters:
              - seeds: "127.0.0.1:%3$d"
        listen_address: 127.0.0.1
        rpc_address: 127.0.0.1
        storage_port: %3$d
        native_transport_port: %2$d
        start_native_transport: true
        endpoint_snitch: SimpleSnitch
        authenticator: AllowAllAuthenticator
        authorizer: AllowAllAuthorizer
        concurrent_reads: 8
        concurrent_writes: 8
        concurrent_counter_writes: 4
        concurrent_compactors: 1
        memtable_heap_space: 96MiB
        memtable_offheap_space: 96MiB
        key_cache_size: 16MiB
        counter_cache_size: 0MiB
        file_cache_size: 64MiB
        auto_snapshot: false
        """.formatted(dir.toAbsolutePath().normalize(), nativePort, storagePort);
  }

  /** Logback for the node: INFO and up to its standard output (the launcher appends it to cassandra.log). */
  static String logback() {
    return """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """;
  }
}
