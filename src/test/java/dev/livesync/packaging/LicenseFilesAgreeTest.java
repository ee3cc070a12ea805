package dev.livesync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The root {@code LICENSE} and the package's copyright file ({@code packaging/copyright}) say the
 * same about livesync's own files: the same holder and years, and the same license (today: none
 * chosen yet, docs/decisions.md). Changing one without the other fails here.
 */
class LicenseFilesAgreeTest {
  private static final Path HOME = Path.of(System.getProperty("livesync.home", ".")).toAbsolutePath();

  /** The value of {@code field} in the {@code Files: *} paragraph of the copyright file. */
  static String ownField(List<String> copyright, String field) {
    boolean inOwn = false;
    for (String l : copyright) {
      if (l.startsWith("Files:")) inOwn = l.strip().equals("Files: *");
      else if (inOwn && l.startsWith(field + ":")) return l.substring(field.length() + 1).strip();
    }
    throw new AssertionError("packaging/copyright has no " + field + " in its 'Files: *' paragraph");
  }

  @Test
  void licenseAndDebianCopyrightAgree() throws Exception {
    List<String> copyright = Files.readAllLines(HOME.resolve("packaging/copyright"));
    String license = Files.readString(HOME.resolve("LICENSE"));
    String holder = ownField(copyright, "Copyright");
    String name = ownField(copyright, "License");
    assertThat(license).as("LICENSE names the holder of packaging/copyright").contains("Copyright " + holder);
    assertThat(license.lines().findFirst().orElse("")).as("LICENSE's first line names the license of packaging/copyright").containsIgnoringCase(name);
    if (name.equals("no license chosen yet")) {
      // nothing may read as a grant while none was chosen
      assertThat(license).doesNotContainIgnoringCase("permission is hereby granted").doesNotContainIgnoringCase("licensed under");
      assertThat(Files.readString(HOME.resolve("docs/decisions.md"))).contains("## No license chosen yet");
    }
  }
}
