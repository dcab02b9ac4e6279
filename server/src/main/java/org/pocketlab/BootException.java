package org.pocketlab;

/** Start-up failed for a reason an operator can fix; the message says which. */
public final class BootException extends RuntimeException {
  public BootException(String message, Throwable cause) {
    super(message, cause);
  }
}
