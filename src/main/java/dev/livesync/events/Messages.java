package dev.livesync.events;

import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Bits shared by the two drop-ins: version, error texts, paths held as latin1 Strings. */
final class Messages {
  static final String VERSION = "4.25.9.0";

  private Messages() {}

  /** strerror(3) text for an I/O failure. */
  static String ioReason(Exception e) {
    if (e instanceof NativeException n) return Libc.strerror(n.errno());
    if (e instanceof NoSuchFileException) return "No such file or directory";
    if (e instanceof AccessDeniedException) return "Permission denied";
    if (e instanceof NotDirectoryException) return "Not a directory";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
    if (e instanceof IOException && e.getMessage() != null) return e.getMessage();
    return String.valueOf(e);
  }

  /** A Path for a name held as latin1 chars (its bytes); names that are not UTF-8 cannot be expressed. */
  static Path path(String latin1) {
    return Path.of(new String(bytes(latin1), StandardCharsets.UTF_8));
  }

  static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

}
