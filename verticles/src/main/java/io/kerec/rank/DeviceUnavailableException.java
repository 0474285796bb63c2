package io.kerec.rank;

/** The requested DJL device (typically a GPU) does not exist on this machine or engine build. */
public class DeviceUnavailableException extends RankException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which device was asked for and what is available
   */
  public DeviceUnavailableException(String message) {
    super(message);
  }
}
