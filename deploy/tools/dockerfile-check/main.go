// dockerfile-check validates the repository's Dockerfile and .dockerignore without a Docker daemon, using
// BuildKit's own Dockerfile frontend as a library:
//
//  1. `docker build --check` rules (dockerfile2llb.DockerfileLint) over all stages;
//  2. for each expected target, a full Dockerfile-to-LLB conversion (what BuildKit does before it runs
//     anything: stage graph, COPY --from references, ARG/ENV expansion, --mount flags) and assertions on
//     the resulting image configuration (user, entrypoint, healthcheck, env, exposed ports);
//  3. the build context as .dockerignore filters it (moby/patternmatcher, as BuildKit does): every COPY
//     source from the context must survive the filter, and secrets/bulk must not.
//
// Base images are not pulled: a fake resolver answers with an empty linux/amd64 image config.
// It is built outside the repository by deploy/tools/validate-docker.sh (go.mod generated there).
//
//	dockerfile-check <context-dir> [<Dockerfile>]
//
// With DOCKERFILE_CHECK_CONTEXT_LIST=<file> it also writes the filtered build context's file list there.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// What each final target must look like once built.
type expectation struct {
	target      string
	user        string
	entrypoint  []string
	cmdContains string
	ports       []string
	env         []string
}

var expectations = []expectation{
	{
		target:      "backup",
		user:        "10001:10001",
		entrypoint:  []string{"/usr/bin/tini", "--"},
		cmdContains: "dist/services/backup/src/main.js",
		ports:       []string{"8080/tcp"},
		env:         []string{"NODE_ENV=production", "HTTP_PORT=8080"},
	},
	{
		target:      "cyberark-simulator",
		user:        "10001:10001",
		entrypoint:  []string{"/usr/bin/tini", "--"},
		cmdContains: "dist/services/cyberark-simulator/src/main.js",
		ports:       []string{"18080/tcp", "18443/tcp"},
		env:         []string{"NODE_ENV=production", "SIMULATOR_HOST=0.0.0.0"},
	},
}

// Paths that must never reach the build context (relative to the context root).
var mustBeExcluded = []string{"node_modules", "dist", ".git", ".local-stack", ".env", "deploy", "helm", "coverage"}

// Images the Dockerfile may pull. Anything else, e.g. `COPY --from=buidl` (a typo of a stage name, which
// Docker would read as an image called "buidl"), is reported instead of being resolved.
var allowedImages = []string{"node:24-bookworm-slim"}

type fakeResolver struct{}

func (fakeResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	allowed := false
	for _, image := range allowedImages {
		if ref == image || strings.HasSuffix(ref, "/"+image) || strings.HasPrefix(ref, image+"@") || strings.Contains(ref, "/"+image+"@") {
			allowed = true
		}
	}
	if !allowed {
		return "", "", nil, fmt.Errorf("image %q is not an expected base image (%s); a mistyped stage name?", ref, strings.Join(allowedImages, ", "))
	}
	config := ocispecs.Image{
		Platform: ocispecs.Platform{Architecture: "amd64", OS: "linux"},
		Config: ocispecs.ImageConfig{
			Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		},
		RootFS: ocispecs.RootFS{Type: "layers"},
	}
	dt, err := json.Marshal(config)
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(dt), dt, nil
}

// The lint results reference the Dockerfile as a source; BuildKit's own frontend attaches the marshalled
// context definition, here an empty one is enough.
func newSourceMap(dt []byte) *llb.SourceMap {
	sourceMap := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dt)
	sourceMap.Definition = &llb.Definition{}
	return sourceMap
}

var problems []string

func problem(format string, args ...any) {
	problems = append(problems, fmt.Sprintf(format, args...))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerfile-check <context-dir> [<Dockerfile>]")
		os.Exit(2)
	}
	contextDir := os.Args[1]
	dockerfilePath := filepath.Join(contextDir, "Dockerfile")
	if len(os.Args) > 2 {
		dockerfilePath = os.Args[2]
	}
	dt, err := os.ReadFile(dockerfilePath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	platform := ocispecs.Platform{Architecture: "amd64", OS: "linux"}

	// 1. docker build --check
	lintOpt := dockerfile2llb.ConvertOpt{
		MetaResolver:   fakeResolver{},
		SourceMap:      newSourceMap(dt),
		TargetPlatform: &platform,
	}
	results, err := dockerfile2llb.DockerfileLint(ctx, dt, lintOpt)
	if err != nil {
		problem("lint: %v", err)
	} else {
		if results.Error != nil {
			problem("lint: build error: %s", results.Error.Message)
		}
		for _, warning := range results.Warnings {
			line := int32(0)
			if warning.Location != nil && len(warning.Location.Ranges) > 0 {
				line = warning.Location.Ranges[0].Start.Line
			}
			problem("lint: %s (line %d): %s", warning.RuleName, line, warning.Detail)
		}
		fmt.Printf("ok      docker build --check rules: %d warning(s)\n", len(results.Warnings))
	}

	// 2. targets and image configuration
	targets, err := dockerfile2llb.ListTargets(ctx, dt)
	if err != nil {
		problem("list targets: %v", err)
	} else {
		var names []string
		for _, target := range targets.Targets {
			names = append(names, target.Name)
			if target.Default && target.Name != "backup" {
				problem("the default (last) stage is %q, expected backup", target.Name)
			}
		}
		fmt.Printf("ok      stages: %s\n", strings.Join(names, ", "))
	}
	for _, want := range expectations {
		checkTarget(ctx, dt, platform, want)
	}

	// 3. build context
	checkContext(contextDir, dt)

	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "PROBLEM %s\n", p)
		}
		os.Exit(1)
	}
	fmt.Println("dockerfile-check: all checks passed")
}

func checkTarget(ctx context.Context, dt []byte, platform ocispecs.Platform, want expectation) {
	opt := dockerfile2llb.ConvertOpt{
		Config:         dockerui.Config{Target: want.target},
		MetaResolver:   fakeResolver{},
		SourceMap:      newSourceMap(dt),
		TargetPlatform: &platform,
	}
	result, err := dockerfile2llb.Dockerfile2LLB(ctx, dt, opt)
	if err != nil {
		problem("target %s: conversion failed: %v", want.target, err)
		return
	}
	definition, err := result.State.Marshal(ctx, llb.Platform(platform))
	if err != nil {
		problem("target %s: LLB marshal failed: %v", want.target, err)
		return
	}
	config := result.Image.Config
	if config.User != want.user {
		problem("target %s: USER is %q, expected %q", want.target, config.User, want.user)
	}
	if !slices.Equal(config.Entrypoint, want.entrypoint) {
		problem("target %s: ENTRYPOINT is %q, expected %q", want.target, config.Entrypoint, want.entrypoint)
	}
	if !strings.Contains(strings.Join(config.Cmd, " "), want.cmdContains) {
		problem("target %s: CMD %q does not run %s", want.target, config.Cmd, want.cmdContains)
	}
	if config.Healthcheck == nil || len(config.Healthcheck.Test) == 0 || config.Healthcheck.Test[0] == "NONE" {
		problem("target %s: no HEALTHCHECK", want.target)
	}
	for _, port := range want.ports {
		if _, ok := config.ExposedPorts[port]; !ok {
			problem("target %s: port %s not exposed", want.target, port)
		}
	}
	for _, variable := range want.env {
		if !slices.Contains(config.Env, variable) {
			problem("target %s: ENV %s missing", want.target, variable)
		}
	}
	for _, variable := range config.Env {
		upper := strings.ToUpper(variable)
		if strings.Contains(upper, "PASSWORD=") || strings.Contains(upper, "SECRET=") || strings.Contains(upper, "_KEY=") || strings.Contains(upper, "DATABASE_URL=") {
			problem("target %s: ENV %s looks like a secret baked into the image", want.target, strings.SplitN(variable, "=", 2)[0])
		}
	}
	healthcheck := ""
	if config.Healthcheck != nil {
		healthcheck = fmt.Sprintf(", healthcheck every %s", config.Healthcheck.Interval)
	}
	fmt.Printf("ok      target %-19s converts to LLB (%d ops); user %s, entrypoint %v%s\n",
		want.target, len(definition.Def), config.User, config.Entrypoint, healthcheck)
}

func checkContext(contextDir string, dt []byte) {
	ignorePath := filepath.Join(contextDir, ".dockerignore")
	file, err := os.Open(ignorePath)
	if err != nil {
		problem(".dockerignore: %v", err)
		return
	}
	patterns, err := ignorefile.ReadAll(file)
	file.Close()
	if err != nil {
		problem(".dockerignore: %v", err)
		return
	}
	matcher, err := patternmatcher.New(patterns)
	if err != nil {
		problem(".dockerignore: %v", err)
		return
	}

	var included []string
	var totalBytes int64
	err = filepath.WalkDir(contextDir, func(path string, entry fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		rel, _ := filepath.Rel(contextDir, path)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		excluded, err := matcher.MatchesOrParentMatches(rel)
		if err != nil {
			return err
		}
		if entry.IsDir() {
			// Like BuildKit: skip an excluded directory unless an exception pattern may re-include inside it.
			if excluded && !matcher.Exclusions() {
				return filepath.SkipDir
			}
			if excluded && (rel == ".git" || rel == "node_modules" || strings.HasSuffix(rel, "/node_modules")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !excluded {
			included = append(included, rel)
			if info, err := entry.Info(); err == nil {
				totalBytes += info.Size()
			}
		}
		return nil
	})
	if err != nil {
		problem("walking the context: %v", err)
		return
	}
	fmt.Printf("ok      build context after .dockerignore: %d files, %.1f MiB\n", len(included), float64(totalBytes)/(1<<20))
	// For deploy/tools/smoke-image-layout.sh: the exact file list `docker build` would send.
	if listPath := os.Getenv("DOCKERFILE_CHECK_CONTEXT_LIST"); listPath != "" {
		if err := os.WriteFile(listPath, []byte(strings.Join(included, "\n")+"\n"), 0o644); err != nil {
			problem("writing %s: %v", listPath, err)
		}
	}

	for _, path := range mustBeExcluded {
		for _, file := range included {
			if file == path || strings.HasPrefix(file, path+"/") {
				problem(".dockerignore lets %s into the build context (%s)", path, file)
				break
			}
		}
	}
	for _, file := range included {
		base := filepath.Base(file)
		if strings.HasPrefix(base, ".env") || strings.HasSuffix(base, ".pem") || strings.HasSuffix(base, ".key") {
			problem(".dockerignore lets a secret-looking file into the context: %s", file)
		}
	}

	// Every COPY/ADD source taken from the context must still be there.
	ast, err := parser.Parse(strings.NewReader(string(dt)))
	if err != nil {
		problem("parse: %v", err)
		return
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		problem("instructions: %v", err)
		return
	}
	checked := 0
	for _, stage := range stages {
		for _, command := range stage.Commands {
			var sources []string
			switch c := command.(type) {
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				sources = c.SourcePaths
			case *instructions.AddCommand:
				sources = c.SourcePaths
			default:
				continue
			}
			for _, source := range sources {
				checked++
				clean := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(source)), "./"), "/")
				found := false
				for _, file := range included {
					if ok, _ := filepath.Match(clean, file); ok || file == clean || strings.HasPrefix(file, clean+"/") {
						found = true
						break
					}
				}
				if !found {
					problem("stage %s: COPY source %q is missing from the build context (.dockerignore?)", stage.Name, source)
				}
			}
		}
	}
	fmt.Printf("ok      %d COPY source(s) from the context checked against .dockerignore\n", checked)
}
