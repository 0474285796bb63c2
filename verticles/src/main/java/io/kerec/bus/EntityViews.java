package io.kerec.bus;

import java.util.List;

/**
 * Two views of how entities relate, for the rank model's contrastive alignment: {@code complements}, the
 * complementary graph (A → B as judged, with its current weight), and {@code coPurchases}, the first-order view
 * from bills (entities whose items are bought together, weighted by item co-purchase cosine).
 */
public record EntityViews(List<EntityLink> complements, List<EntityLink> coPurchases) {
}
