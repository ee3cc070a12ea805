package dev.livesync.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  static final String VERSION = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {"livesync " + VERSION};
  }
}
