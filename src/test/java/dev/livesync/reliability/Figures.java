package dev.livesync.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Figures a reliability scenario measured (reported, never asserted): one line per figure, printed
 * and appended to {@code target/reliability-figures.txt} (or the file in -Dlivesync.figures), which
 * scripts/reliability prints at the end and docs/reliability.md quotes.
 */
final class Figures {
  private Figures() {}

  static void report(String scenario, String line) {
    String text = Instant.now() + " scenario " + scenario + ": " + line;
    System.out.println(text);
    Path f = Path.of(System.getProperty("livesync.figures", "target/reliability-figures.txt"));
    try {
      if (f.getParent() != null) Files.createDirectories(f.getParent());
      Files.writeString(f, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("(cannot append to " + f + ": " + e + ")");
    }
  }

  /** An integer knob of a scenario: -Dlivesync.reliability.NAME, else {@code ciDefault}. */
  static int knob(String name, int ciDefault) {
    return Integer.getInteger("livesync.reliability." + name, ciDefault);
  }
}
