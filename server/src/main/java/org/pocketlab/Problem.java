package org.pocketlab;

/**
 * A failure whose title and message are written for the person in front of the browser (never a stack
 * trace): handlers fail the request with it and the error page shows it as it is.
 */
public final class Problem extends RuntimeException {
  private final int status;
  private final String title;

  public Problem(int status, String title, String message) {
    super(message, null, false, false);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
