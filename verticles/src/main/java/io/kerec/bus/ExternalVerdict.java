package io.kerec.bus;

/**
 * A verdict decided outside the engine, by a sibling judge service, as read from the Kafka verdicts topic.
 *
 * @param source entity the shopper bought (normalised, lower case)
 * @param target entity that may be recommended
 * @param complementary true when {@code target} is a complement of {@code source}
 * @param confidence confidence in this verdict, in [0, 1]
 * @param reason short justification ("" when the judge gave none)
 * @param provider name of the deciding judge ({@code external} when the record names none)
 * @param model the judge's model ({@code unknown} when the record names none)
 * @param promptVersion the judge's prompt version ({@code unknown} when the record names none)
 * @param tokens LLM tokens the judge reports for this verdict (0 when not given)
 * @param origin where the record was first read, {@code kafka/<topic>/<partition>/<offset>}
 */
public record ExternalVerdict(String source, String target, boolean complementary, double confidence, String reason,
                              String provider, String model, String promptVersion, int tokens, String origin) {
}
