package io.kerec.bus;

import java.time.Instant;
import java.util.List;

/** An item with its entities, sales count and listing time (null when unknown). */
public record ItemView(String itemId, String title, Double price, String category, List<String> entities,
                       long purchases, Instant listedAt) {
}
