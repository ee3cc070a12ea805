package dev.livesync.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The live status page: one self-contained HTML file (its script and styles inline, charts drawn as
 * SVG by its own script, nothing fetched from elsewhere) that polls {@code /api/page} every second.
 */
final class StatusPage {
  private static final String HTML = load();

  private StatusPage() {}

  static String html() {
    return HTML;
  }

  private static String load() {
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      if (in == null) throw new IllegalStateException("status.html missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
