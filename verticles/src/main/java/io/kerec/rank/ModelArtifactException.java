package io.kerec.rank;

/**
 * A model artefact directory is missing, incomplete, corrupt, or incompatible with this code
 * (unknown format version, different feature size, different architecture).
 */
public class ModelArtifactException extends RankException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong with the artefact
   */
  public ModelArtifactException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong with the artefact
   * @param cause the underlying failure
   */
  public ModelArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
