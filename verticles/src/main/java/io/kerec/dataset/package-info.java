/**
 * Transaction data sets, read into one shape ({@link io.kerec.dataset.Dataset}: a catalog and
 * time-sorted purchases) for the {@code import} command and for offline evaluation.
 *
 * <p>Formats: {@link io.kerec.dataset.OnlineRetail} (the UCI Online Retail CSV) and
 * {@link io.kerec.dataset.GenericCsv} ({@code user_id,item_id,basket_id,ts,title}).
 * {@link io.kerec.dataset.Datasets#read} picks one from the header line and un-gzips by magic bytes.
 * All timestamps without a zone are UTC.
 */
package io.kerec.dataset;
