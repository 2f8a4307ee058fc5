package dev.tagger;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;
import org.springframework.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directions the code keeps (see ARCHITECTURE.md): no package cycles; the layers import downwards only
 * (api -> bulk -> training -> datasets -> serving -> catalog -> config -> model -> text -> engine -> io, with api, security,
 * tools and store on top); only api/ and security/ know HTTP; nothing outside model/ knows tensor names.
 */
class ArchitectureTest {

    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tagger");

    /** The layers under the edge, highest first: each may be used only by those above it. */
    static final List<String> LAYERS = List.of("bulk", "training", "datasets", "serving", "catalog", "config", "model", "text",
            "engine", "io");
    /** The edge: entry points nothing else may import. */
    static final List<String> EDGE = List.of("api", "security", "tools", "store");

    /** Packages of HTTP: Spring Web and MVC, servlets, Spring Security's web side, the OpenAPI annotations. */
    static final String[] HTTP = {"org.springframework.web..", "org.springframework.http..", "jakarta.servlet..",
            "org.springframework.boot.web..", "org.springframework.boot.webmvc..", "org.springframework.boot.servlet..",
            "org.springframework.security.web..", "org.springframework.security.config.annotation.web..",
            "io.swagger..", "org.springdoc..", "java.net.http.."};

    /**
     * A Hugging Face tensor name, as a whole string: a known prefix (bert.embeddings..., classifier.weight), a
     * weight or bias suffix, or an encoder layer.
     */
    static final Pattern TENSOR_NAME = Pattern.compile(
            "(?:bert|roberta|encoder|embeddings|pooler|classifier)\\.[A-Za-z0-9_.]+|[A-Za-z0-9_.]+\\.(?:weight|bias)"
                    + "|.*encoder\\.layer\\..*");

    static boolean inModel(JavaClass c) {
        return c.getPackageName().equals("dev.tagger.model") || c.getPackageName().startsWith("dev.tagger.model.");
    }

    @Test
    void noCycleBetweenTopLevelPackages() {
        slices().matching("dev.tagger.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noCycleBetweenAnyPackages() {
        slices().matching("dev.tagger.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void modelsSubPackagesHaveNoCycleAndRunFormatThenNnThenTheBundleTypes() {
        SliceAssignment modelParts = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!inModel(c)) {
                    return SliceIdentifier.ignore();
                }
                String rest = c.getPackageName().substring("dev.tagger.model".length());
                return SliceIdentifier.of(rest.isEmpty() ? "model" : "model" + rest);
            }

            @Override
            public String getDescription() {
                return "dev.tagger.model and each of its sub-packages";
            }
        };
        slices().assignedFrom(modelParts).should().beFreeOfCycles().check(MAIN);
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("format").definedBy("dev.tagger.model.format..")
                .layer("nn").definedBy("dev.tagger.model.nn..")
                .layer("bundle").definedBy("dev.tagger.model")
                .whereLayer("format").mayNotBeAccessedByAnyLayer()
                .whereLayer("nn").mayOnlyBeAccessedByLayers("format")
                .whereLayer("bundle").mayOnlyBeAccessedByLayers("format", "nn")
                .check(MAIN);
    }

    @Test
    void layersImportDownwardsOnly() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true);
        for (String name : EDGE) {
            layers = layers.layer(name).definedBy("dev.tagger." + name + "..");
        }
        for (String name : LAYERS) {
            layers = layers.layer(name).definedBy("dev.tagger." + name + "..");
        }
        for (String name : EDGE) {
            layers = layers.whereLayer(name).mayNotBeAccessedByAnyLayer();
        }
        List<String> above = new ArrayList<>(EDGE);
        for (String name : LAYERS) {
            layers = layers.whereLayer(name).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            above.add(name);
        }
        layers.check(MAIN);
    }

    @Test
    void onlyTheApiAndSecurityKnowHttp() {
        noClasses().that().resideInAPackage("dev.tagger..")
                .and().resideOutsideOfPackages("dev.tagger", "dev.tagger.api..", "dev.tagger.security..")
                .should().dependOnClassesThat().resideInAnyPackage(HTTP)
                .check(MAIN);
    }

    /** The tensor names that model classes keep in constants (classifier.weight, pooler.dense.bias, ...). */
    static Set<String> tensorNameConstants() {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : MAIN) {
            if (!inModel(c)) {
                continue;
            }
            for (JavaField f : c.getFields()) {
                if (f.getRawType().isEquivalentTo(String.class) && f.getModifiers().containsAll(
                        Set.of(com.tngtech.archunit.core.domain.JavaModifier.STATIC,
                                com.tngtech.archunit.core.domain.JavaModifier.FINAL))) {
                    String value = constant(f.reflect());
                    if (value != null && TENSOR_NAME.matcher(value).matches()) {
                        out.add(f.getOwner().getSimpleName() + "." + f.getName() + "=" + value);
                    }
                }
            }
        }
        return out;
    }

    static String constant(Field f) {
        try {
            f.setAccessible(true);
            return Modifier.isStatic(f.getModifiers()) ? (String) f.get(null) : null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The string constants of a class file: its literals and the constants it inlined from other classes. */
    static List<String> stringConstants(JavaClass c) {
        String resource = c.getName().replace('.', '/') + ".class";
        try (InputStream in = ArchitectureTest.class.getClassLoader().getResourceAsStream(resource)) {
            ClassReader reader = new ClassReader(in.readAllBytes());
            char[] buf = new char[reader.getMaxStringLength()];
            List<String> out = new ArrayList<>();
            for (int i = 1; i < reader.getItemCount(); i++) {
                int at = reader.getItem(i);
                // A CONSTANT_String entry (tag 8) points at the UTF-8 entry holding the text.
                if (at > 0 && reader.readByte(at - 1) == 8) {
                    out.add(reader.readUTF8(at, buf));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noClassOutsideModelReadsATensorNameConstant() {
        Set<String> constants = tensorNameConstants();
        assertThat(constants).as("the model's tensor-name constants").anyMatch(s -> s.contains("classifier.weight"));
        Set<String> fieldNames = new TreeSet<>();
        constants.forEach(s -> fieldNames.add(s.substring(s.indexOf('.') + 1, s.indexOf('='))));
        DescribedPredicate<JavaClass> modelClass = DescribedPredicate.describe("a model class", ArchitectureTest::inModel);
        noClasses().that().resideOutsideOfPackage("dev.tagger.model..")
                .should().accessFieldWhere(target(owner(modelClass)).and(target(nameMatching(
                        String.join("|", fieldNames)))))
                .check(MAIN);
        // Constants are copied into the classes that use them, so field accesses alone would miss them.
        classes().that().resideInAPackage("dev.tagger..").and().resideOutsideOfPackage("dev.tagger.model..")
                .should(new ArchCondition<>("hold no tensor name among their string constants") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        for (String s : stringConstants(c)) {
                            if (TENSOR_NAME.matcher(s).matches()) {
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " holds \"" + s + "\""));
                            }
                        }
                    }
                })
                .check(MAIN);
    }

    @Test
    void noSourceOutsideModelSpellsATensorName() throws IOException {
        Path root = Path.of("src/main/java/dev/tagger");
        Path model = root.resolve("model");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(model)).toList()) {
                for (String literal : literals(Files.readString(file))) {
                    if (TENSOR_NAME.matcher(literal).matches() || literal.contains("encoder.layer.")
                            || literal.endsWith(".weight") || literal.endsWith(".bias")) {
                        found.add(root.relativize(file) + ": \"" + literal + "\"");
                    }
                }
            }
        }
        assertThat(found).isEmpty();
        assertThat(literals("a(\"x\" /* \"encoder.layer.0\" */ + \"y\\\"z\"); // \"bert.a\""))
                .as("the scanner reads literals, not comments").containsExactly("x", "y\\\"z");
    }

    private static final Pattern TOKENS = Pattern.compile(
            "//[^\n]*|/\\*.*?\\*/|\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\n]|\\\\.)*)\"|'(?:[^'\\\\]|\\\\.)+'", Pattern.DOTALL);

    /** The string literals of Java source (text blocks included), comments skipped. */
    static List<String> literals(String source) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKENS.matcher(source);
        while (m.find()) {
            if (m.group(1) != null) {
                out.add(m.group(1));
            } else if (m.group(2) != null) {
                out.add(m.group(2));
            }
        }
        return out;
    }
}
