package io.kerec.config;

import java.util.Objects;

/**
 * Settings of {@code judge.OpenAiVerdictProvider}. Jackson binds the record from JSON by component name.
 *
 * @param baseUrl base URL of an OpenAI-compatible API including its version path, without the endpoint, e.g.
 *     {@code https://api.openai.com/v1}, {@code http://localhost:11434/v1} (Ollama), {@code http://localhost:8000/v1}
 *     (vLLM); the provider posts to {@code baseUrl + "/chat/completions"}
 * @param model model name sent in the request and recorded with each verdict
 * @param apiKeyEnv name of the environment variable holding the API key; null or blank, or a variable that is not
 *     set, means no {@code Authorization} header (local servers)
 * @param timeoutMs HTTP timeout per request in milliseconds: the request fails when no data arrives for that long
 *     (for a non-streaming completion, about the whole answer time)
 * @param batchSize most pairs per request (the provider's largest batch), 1 to 200
 * @param jsonMode send {@code response_format: {"type": "json_object"}} (OpenAI, vLLM, Ollama and llama.cpp
 *     support it; turn off for servers that reject the field)
 * @param storeCompletions send {@code store: true} with a {@code metadata.kerec_call} id (OpenAI and Azure OpenAI
 *     keep such completions), so that after a crash the answers of calls that were in flight are fetched from
 *     {@code GET /chat/completions?metadata[kerec_call]=...} instead of being paid for again; off by default
 *     because servers such as vLLM or Ollama have no stored completions, and stored completions keep prompts at
 *     the provider
 */
public record OpenAiOptions(
    String baseUrl,
    String model,
    String apiKeyEnv,
    long timeoutMs,
    int batchSize,
    boolean jsonMode,
    boolean storeCompletions) {

  /** Largest accepted {@link #batchSize()}. */
  public static final int MAX_BATCH_SIZE = 200;

  /**
   * Options without stored completions.
   *
   * @param baseUrl base URL
   * @param model model
   * @param apiKeyEnv API key variable
   * @param timeoutMs timeout
   * @param batchSize pairs per request
   * @param jsonMode JSON mode
   */
  public OpenAiOptions(String baseUrl, String model, String apiKeyEnv, long timeoutMs, int batchSize,
                       boolean jsonMode) {
    this(baseUrl, model, apiKeyEnv, timeoutMs, batchSize, jsonMode, false);
  }

  /** Validates the fields and strips trailing slashes from {@code baseUrl}. */
  public OpenAiOptions {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    baseUrl = baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new ConfigException("judge.openai.baseUrl", "must be an http(s) URL: " + baseUrl);
    }
    if (model.isBlank()) {
      throw new ConfigException("judge.openai.model", "must not be blank");
    }
    if (timeoutMs <= 0) {
      throw new ConfigException("judge.openai.timeoutMs", "must be > 0: " + timeoutMs);
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new ConfigException("judge.openai.batchSize", "must be in [1, " + MAX_BATCH_SIZE + "]: " + batchSize);
    }
  }

  /**
   * Defaults: OpenAI's API, {@code gpt-4o-mini}, key from {@code OPENAI_API_KEY}, 60 s timeout, 20 pairs per request
   * (an answer of ~600 tokens: small enough that one malformed answer wastes little, large enough to share the
   * ~300-token instructions), JSON mode on.
   *
   * @return the default options
   */
  public static OpenAiOptions defaults() {
    return new OpenAiOptions("https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY", 60_000, 20, true, false);
  }

  /** @return the chat-completions endpoint URL */
  public String endpoint() {
    return baseUrl + "/chat/completions";
  }
}
