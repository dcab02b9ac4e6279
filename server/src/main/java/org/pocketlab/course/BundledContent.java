package org.pocketlab.course;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * Content packaged on the class path (courses, labs): a directory when running from
 * {@code target/classes}, a zip file system when running from the fat jar.
 */
final class BundledContent {
  private BundledContent() {}

  interface Reader<T> {
    T read(Path directory) throws IOException, CourseFormatException;
  }

  static <T> T read(ClassLoader classLoader, String directory, Reader<T> reader)
      throws IOException, CourseFormatException {
    URL url = classLoader.getResource(directory);
    if (url == null) throw new IOException("no " + directory + "/ directory on the class path");
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("cannot read " + directory + " at " + url, e);
    }
    switch (uri.getScheme()) {
      case "file":
        return reader.read(Path.of(uri));
      case "jar":
        String spec = uri.toString();
        int separator = spec.indexOf("!/");
        URI jar = URI.create(spec.substring(0, separator));
        String inside = spec.substring(separator + 1);
        FileSystem zip;
        try {
          zip = FileSystems.newFileSystem(jar, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          return reader.read(FileSystems.getFileSystem(jar).getPath(inside)); // someone else's: leave it open
        }
        try (zip) {
          return reader.read(zip.getPath(inside));
        }
      default:
        throw new IOException("cannot list " + directory + " at " + url);
    }
  }
}
