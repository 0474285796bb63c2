package io.kerec.judge;

import io.vertx.core.Future;
import java.util.List;

/**
 * Something that decides whether directed entity pairs are complementary: the co-purchase evidence of the bills
 * ({@link EvidenceProvider}) or an LLM ({@link OpenAiVerdictProvider}).
 *
 * <p><b>Abstention.</b> A provider returns a verdict only for the pairs it can decide. A pair that is missing from
 * the result means "abstain, ask again later" (not enough evidence yet, or the LLM skipped it); it must not be
 * recorded as a negative verdict.
 *
 * <p><b>Failure.</b> A failed future means nothing of the call can be trusted; the caller may retry the whole batch.
 * Providers fail with specific exceptions where it helps the caller decide what to do ({@link ProviderHttpException},
 * {@link UnparseableAnswerException}, {@link ProviderTransportException}).
 */
public interface VerdictProvider {

  /** @return stable provider name recorded with each verdict, e.g. {@code "evidence"} or {@code "openai"} */
  String name();

  /** @return model identifier recorded with each verdict */
  String model();

  /** @return version of the prompt or of the decision rule, recorded with each verdict */
  String promptVersion();

  /** @return the largest number of pairs one {@link #judge(List)} call accepts */
  int maxBatch();

  /**
   * Judges a batch of directed pairs.
   *
   * @param pairs at most {@link #maxBatch()} pairs; the future fails with {@link IllegalArgumentException} if more
   * @return verdicts for the pairs the provider could decide, in the order of {@code pairs}; omitted pairs abstain
   */
  Future<List<Verdict>> judge(List<EntityPair> pairs);
}
