package io.kerec.config;


/**
 * Judge: which verdict provider decides pairs ({@code evidence}, the embedded default, or {@code openai}, any
 * OpenAI-compatible endpoint), whether and how often a judging run starts by itself when new bills arrived
 * (otherwise only on request at {@code kerec.judge.run}), how many pairs one run may
 * ask at most, how many open bills the co-purchase counters keep, and how an LLM provider's limits and budget are
 * spent ({@link LlmOptions}), and where the shop's own complements are written ({@code knowledge}: a file in the
 * format of {@code conf/complements.json}; null for the bundled one, {@code "none"} for none).
 */
public record JudgeOptions(String provider, boolean autoRun, long intervalMs, int maxPairsPerRun, int maxOpenBaskets,
                           PairStrategyOptions pairs, EvidenceOptions evidence, OpenAiOptions openai,
                           LlmOptions llm, String knowledge) {
  static JudgeOptions defaults() {
    return new JudgeOptions("evidence", true, 2_000, 200_000, 50_000,
        PairStrategyOptions.defaults(), EvidenceOptions.defaults(), OpenAiOptions.defaults(),
        LlmOptions.defaults(), null);
  }

  void validate() {
    Require.oneOf("judge.provider", provider, "evidence", "openai");
    Require.range("judge.intervalMs", intervalMs, 10, 3_600_000);
    Require.range("judge.maxPairsPerRun", maxPairsPerRun, 1, Integer.MAX_VALUE);
    Require.range("judge.maxOpenBaskets", maxOpenBaskets, 1, Integer.MAX_VALUE);
    if ("openai".equals(provider)) {
      Require.nonBlank("judge.openai.baseUrl", openai.baseUrl());
      Require.nonBlank("judge.openai.model", openai.model());
    }
    if (knowledge != null) {
      Require.nonBlank("judge.knowledge", knowledge);
    }
    llm.validate();
  }
}
