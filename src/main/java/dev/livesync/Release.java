package dev.livesync;

/** This build's version: {@code livesync --version} says it, a clean stop's record names it (another version runs a full sync). */
public final class Release {
  private Release() {}

  public static final String VERSION = "0.1.0";
}
