package io.kerec.judge;

/**
 * The LLM's answer could not be parsed into verdicts, even after one repair attempt. Nothing is guessed: the caller
 * should record {@link #rawAnswer()} for inspection and try the pairs again later (possibly with another model).
 */
public class UnparseableAnswerException extends JudgeException {
  private final String rawAnswer;
  private final String firstAnswer;
  private final long tokens;

  /**
   * @param message why the last answer was rejected
   * @param rawAnswer the text of the last answer (message content, or the whole body when the envelope was broken)
   * @param firstAnswer the text of the first answer, before the repair instruction (equal to {@code rawAnswer} when
   *     no repair was attempted)
   */
  public UnparseableAnswerException(String message, String rawAnswer, String firstAnswer) {
    this(message, rawAnswer, firstAnswer, 0);
  }

  /**
   * @param message why the last answer was rejected
   * @param rawAnswer the text of the last answer
   * @param firstAnswer the text of the first answer
   * @param tokens tokens the provider reported for the rejected answers (they are paid for all the same)
   */
  public UnparseableAnswerException(String message, String rawAnswer, String firstAnswer, long tokens) {
    super(message);
    this.rawAnswer = rawAnswer == null ? "" : rawAnswer;
    this.firstAnswer = firstAnswer == null ? "" : firstAnswer;
    this.tokens = Math.max(0, tokens);
  }

  /** @return tokens spent on the rejected answers (0 when the server reported none) */
  public long tokens() {
    return tokens;
  }

  /** @return the raw text of the last (rejected) answer */
  public String rawAnswer() {
    return rawAnswer;
  }

  /** @return the raw text of the first (rejected) answer */
  public String firstAnswer() {
    return firstAnswer;
  }
}
