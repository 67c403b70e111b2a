package io.edgecollector.collector;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure is part of the design (docs/architecture.md): the packages below
 * io.edgecollector.collector depend on each other in layers, never in a circle, and the command
 * line (cli) sits on top: only it and CollectorMain, the entry point, use it. The root package
 * (CollectorMain, Collector) is the composition root that wires the packages together.
 */
@AnalyzeClasses(packages = "io.edgecollector.collector", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** Any cycle between packages fails (Quality lives in parse, beside the Reading that carries it). */
    @ArchTest
    static final ArchRule packages_formLayersWithoutCycles = slices()
            .matching("io.edgecollector.collector.(*)..")
            .namingSlices("$1")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule nothingBelowTheCommandLine_usesIt = noClasses()
            .that().resideOutsideOfPackage("io.edgecollector.collector.cli..")
            .and().doNotHaveFullyQualifiedName(CollectorMain.class.getName())
            .should().dependOnClassesThat().resideInAPackage("io.edgecollector.collector.cli..")
            .because("cli parses, checks and delegates; the units it delegates to must not reach back up");
}
