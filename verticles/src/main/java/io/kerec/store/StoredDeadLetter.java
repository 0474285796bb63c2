package io.kerec.store;

import java.time.Instant;

/**
 * A dead letter as stored in {@code dead_letters}.
 *
 * @param id         row id, what {@code kerec deadletters replay --id} takes
 * @param source     where it came from ({@code kafka})
 * @param topic      the topic it was read from, where a replay sends it again
 * @param partition  its partition
 * @param offset     its offset
 * @param key        its record key, or null
 * @param payload    the raw record as read (invalid UTF-8 replaced)
 * @param error      why it was set aside
 * @param field      the field at fault, or null
 * @param receivedAt when it was set aside
 * @param replayedAt when it was last re-submitted, or null
 * @param replays    how often it was re-submitted
 * @param replayOf   the dead letter this one is a failed replay of, or null
 * @param origin     {@code <topic>/<partition>/<offset>} where the record was first read (of the first dead letter
 *                   of its replay chain)
 */
public record StoredDeadLetter(long id, String source, String topic, int partition, long offset, String key,
                               String payload, String error, String field, Instant receivedAt, Instant replayedAt,
                               int replays, Long replayOf, String origin) {
}
