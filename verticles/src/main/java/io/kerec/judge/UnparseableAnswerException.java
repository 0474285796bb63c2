package io.kerec.judge;

/**
 * The LLM's answer could not be parsed into verdicts, even after one repair attempt. Nothing is guessed: the caller
 * should record {@link #rawAnswer()} for inspection and try the pairs again later (possibly with another model).
 */
public class UnparseableAnswerException extends JudgeException {
  private final String rawAnswer;
  private final String firstAnswer;

  /**
   * @param message why the last answer was rejected
   * @param rawAnswer the text of the last answer (message content, or the whole body when the envelope was broken)
   * @param firstAnswer the text of the first answer, before the repair instruction (equal to {@code rawAnswer} when
   *     no repair was attempted)
   */
  public UnparseableAnswerException(String message, String rawAnswer, String firstAnswer) {
    super(message);
    this.rawAnswer = rawAnswer == null ? "" : rawAnswer;
    this.firstAnswer = firstAnswer == null ? "" : firstAnswer;
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
