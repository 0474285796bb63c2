-- When an item went on sale, as the shop states it (POST /v1/items "listedAt"); null when it did not say, in which
-- case the item counts as listed when it was first accepted (created_at). Recall treats a never-sold item as new
-- only for recall.newItemDays after its listing: one that has been on the shelf longer without a sale is not.
-- A later write of the item without listedAt keeps the stored one.
ALTER TABLE items ADD COLUMN listed_at TIMESTAMPTZ;
