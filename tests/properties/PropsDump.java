// What java.util.Properties.load(InputStream) makes of each file: the way Kafka's
// Utils.loadProps reads server.properties. The JDK side of tests/integration/test_properties_java.sh.
//   java PropsDump.java FILE_OR_DIR...      (a directory stands for its files, sorted by name)
// Per file: "== NAME", then "error" when load throws (a malformed \\uXXXX escape), else one line
// per key in String order: "k HEX v HEX", each char of the String as 4 hex digits (UTF-16).
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

public class PropsDump {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            for (int shift = 12; shift >= 0; shift -= 4) out.append(HEX[(c >> shift) & 0xF]);
        }
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            Path p = Paths.get(a);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile)
                     .sorted((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()))
                     .forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            out.append("== ").append(f.getFileName()).append('\n');
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(f)) {
                props.load(in);
            } catch (IllegalArgumentException e) {
                out.append("error\n");
                continue;
            }
            TreeMap<String, String> sorted = new TreeMap<>();
            for (String k : props.stringPropertyNames()) sorted.put(k, props.getProperty(k));
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                out.append("k ");
                hex(out, e.getKey());
                out.append(" v ");
                hex(out, e.getValue());
                out.append('\n');
            }
        }
        System.out.print(out);
        System.out.flush();
    }
}
