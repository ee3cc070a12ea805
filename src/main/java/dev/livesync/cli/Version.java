package dev.livesync.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  static final String VERSION = dev.livesync.Release.VERSION;

  @Override
  public String[] getVersion() {
    return new String[] {"livesync " + VERSION};
  }
}
