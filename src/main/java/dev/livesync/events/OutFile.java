package dev.livesync.events;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The -o/--outfile file: opened for appending, created with mode 0600 as inotifywait does. */
final class OutFile {
  private OutFile() {}

  static OutputStream openAppend(String latin1Path) throws IOException {
    try {
      return Channels.newOutputStream(Files.newByteChannel(Messages.path(latin1Path),
          Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
    } catch (RuntimeException e) {
      throw new IOException(e);
    }
  }
}
