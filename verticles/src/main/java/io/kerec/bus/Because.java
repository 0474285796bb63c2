package io.kerec.bus;

/** Why an item is recommended: the bought item, its entity, and the complementary entity reached. */
public record Because(String triggerItemId, String triggerEntity, String entity, double edgeWeight) {
}
