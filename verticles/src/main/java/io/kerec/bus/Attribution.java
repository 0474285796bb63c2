package io.kerec.bus;

/**
 * The complementary edge a shown recommendation came through: {@code because.triggerEntity} →
 * {@code because.entity} of the recommendation, echoed back by the client with the exposure, click or purchase.
 */
public record Attribution(String triggerEntity, String entity) {
}
