package org.pocketlab.config;

/** A setting with a value the server cannot use; the message is one line naming the variable. */
public final class InvalidSettingException extends RuntimeException {
  public InvalidSettingException(String variable, String accepts, String got) {
    super(variable + ": expected " + accepts + ", got '" + got + "'");
  }
}
