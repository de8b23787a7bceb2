// hclcheck: the static check of the image definitions (the images-static CTest label). Packer
// and Terraform cannot run here, so their files are read with HashiCorp's own HCL2 parser and
// checked for what would make `packer validate` / `terraform validate` fail on our side:
//
//	hclcheck [-varfiles TEMPLATE_DIR=VARFILE_DIR]... DIR...
//
// For each DIR (a Packer template or a Terraform module: every .pkr.hcl, .tf, .pkrvars.hcl and
// .tfvars in it), every file must parse, and every var.NAME and local.NAME that an expression
// uses must be declared by a variable block or a locals block of the same DIR. For each
// -varfiles pair, every .pkrvars.hcl in VARFILE_DIR (one appliance image each) may set only
// variables TEMPLATE_DIR declares, must set every variable that has no default, must give
// constant values, and those values must pass the variable's validation blocks.
//
// Errors are printed as FILE:LINE: message; the exit code is 1 when there was any.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

type varfilesFlag []string

func (v *varfilesFlag) String() string     { return strings.Join(*v, ",") }
func (v *varfilesFlag) Set(s string) error { *v = append(*v, s); return nil }

var problems int

func report(rng hcl.Range, format string, args ...interface{}) {
	problems++
	fmt.Printf("%s:%d: %s\n", rng.Filename, rng.Start.Line, fmt.Sprintf(format, args...))
}

type variable struct {
	name       string
	hasDefault bool
	block      *hclsyntax.Block
}

type module struct {
	dir       string
	files     []*hclsyntax.Body
	variables map[string]*variable
	locals    map[string]bool
}

func isHCL(name string) bool {
	for _, ext := range []string{".pkr.hcl", ".tf", ".pkrvars.hcl", ".tfvars"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func parseFile(path string) *hclsyntax.Body {
	src, err := os.ReadFile(path)
	if err != nil {
		problems++
		fmt.Printf("%s: %v\n", path, err)
		return nil
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			rng := hcl.Range{Filename: path}
			if d.Subject != nil {
				rng = *d.Subject
			}
			report(rng, "%s: %s", d.Summary, d.Detail)
		}
	}
	if diags.HasErrors() {
		return nil
	}
	return f.Body.(*hclsyntax.Body)
}

func listHCL(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		problems++
		fmt.Printf("%s: %v\n", dir, err)
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && isHCL(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		problems++
		fmt.Printf("%s: no .pkr.hcl, .tf, .pkrvars.hcl or .tfvars file\n", dir)
	}
	return out
}

func loadModule(dir string) *module {
	m := &module{dir: dir, variables: map[string]*variable{}, locals: map[string]bool{}}
	for _, path := range listHCL(dir) {
		if strings.HasSuffix(path, ".pkrvars.hcl") || strings.HasSuffix(path, ".tfvars") {
			parseFile(path) // var-files of a module: syntax only here
			continue
		}
		body := parseFile(path)
		if body == nil {
			continue
		}
		m.files = append(m.files, body)
		for _, b := range body.Blocks {
			switch b.Type {
			case "variable":
				if len(b.Labels) != 1 {
					report(b.DefRange(), "a variable block takes one label")
					continue
				}
				if prev, ok := m.variables[b.Labels[0]]; ok {
					report(b.DefRange(), "variable %q is declared twice (also at %s)", b.Labels[0], prev.block.DefRange())
					continue
				}
				_, hasDefault := b.Body.Attributes["default"]
				m.variables[b.Labels[0]] = &variable{b.Labels[0], hasDefault, b}
			case "locals":
				for name := range b.Body.Attributes {
					m.locals[name] = true
				}
			}
		}
	}
	return m
}

// Every var.X and local.X used anywhere in the module is declared.
func (m *module) checkReferences() {
	var walk func(body *hclsyntax.Body)
	check := func(expr hclsyntax.Expression) {
		for _, t := range expr.Variables() {
			root := t.RootName()
			if len(t) < 2 {
				if root == "var" || root == "local" {
					report(t.SourceRange(), "%s used without an attribute", root)
				}
				continue
			}
			attr, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			switch root {
			case "var":
				if _, declared := m.variables[attr.Name]; !declared {
					report(t.SourceRange(), "var.%s is used but no variable %q is declared in %s", attr.Name, attr.Name, m.dir)
				}
			case "local":
				if !m.locals[attr.Name] {
					report(t.SourceRange(), "local.%s is used but no locals block of %s defines it", attr.Name, m.dir)
				}
			}
		}
	}
	walk = func(body *hclsyntax.Body) {
		for _, a := range body.Attributes {
			check(a.Expr)
		}
		for _, b := range body.Blocks {
			walk(b.Body)
		}
	}
	for _, f := range m.files {
		walk(f)
	}
}

var functions = map[string]function.Function{
	"contains": stdlib.ContainsFunc,
	"length":   stdlib.LengthFunc,
	"regex":    stdlib.RegexFunc,
	"lower":    stdlib.LowerFunc,
	"can":      tryfunc.CanFunc,
}

// One image definition against its template.
func (m *module) checkVarfile(path string) {
	body := parseFile(path)
	if body == nil {
		return
	}
	for _, b := range body.Blocks {
		report(b.DefRange(), "a var-file holds only NAME = VALUE lines, not a %s block", b.Type)
	}
	values := map[string]cty.Value{}
	for name, a := range body.Attributes {
		if _, declared := m.variables[name]; !declared {
			report(a.NameRange, "%s sets %q, which the template %s does not declare", filepath.Base(path), name, m.dir)
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			report(a.Expr.Range(), "%s: the value of %q must be a constant: %s", filepath.Base(path), name, diags.Error())
			continue
		}
		values[name] = v
	}
	names := make([]string, 0, len(m.variables))
	for n := range m.variables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := m.variables[name]
		if _, set := values[name]; !set && !v.hasDefault {
			report(hcl.Range{Filename: path, Start: hcl.InitialPos}, "%s does not set %q, which the template needs (declared at %s without a default)",
				filepath.Base(path), name, v.block.DefRange())
		}
	}
	// The validation blocks of the variables it sets, evaluated on its values.
	for name, value := range values {
		for _, vb := range m.variables[name].block.Body.Blocks {
			if vb.Type != "validation" {
				continue
			}
			cond, ok := vb.Body.Attributes["condition"]
			if !ok {
				continue
			}
			ctx := &hcl.EvalContext{
				Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{name: value})},
				Functions: functions,
			}
			res, diags := cond.Expr.Value(ctx)
			if diags.HasErrors() {
				report(cond.Expr.Range(), "validation of %q cannot be evaluated: %s", name, diags.Error())
				continue
			}
			if res.Type() != cty.Bool || res.IsNull() || !res.True() {
				msg := ""
				if em, ok := vb.Body.Attributes["error_message"]; ok {
					if mv, d := em.Expr.Value(nil); !d.HasErrors() && mv.Type() == cty.String {
						msg = mv.AsString()
					}
				}
				report(body.Attributes[name].Expr.Range(), "%s: %s = %s fails the template's validation: %s",
					filepath.Base(path), name, value.GoString(), msg)
			}
		}
	}
}

func main() {
	var varfiles varfilesFlag
	flag.Var(&varfiles, "varfiles", "TEMPLATE_DIR=VARFILE_DIR: check every .pkrvars.hcl of VARFILE_DIR against TEMPLATE_DIR (repeatable)")
	flag.Parse()
	if flag.NArg() == 0 && len(varfiles) == 0 {
		fmt.Fprintln(os.Stderr, "usage: hclcheck [-varfiles TEMPLATE_DIR=VARFILE_DIR]... DIR...")
		os.Exit(2)
	}
	modules := map[string]*module{}
	load := func(dir string) *module {
		if m, ok := modules[dir]; ok {
			return m
		}
		m := loadModule(dir)
		m.checkReferences()
		modules[dir] = m
		return m
	}
	for _, dir := range flag.Args() {
		load(dir)
	}
	checked := 0
	for _, pair := range varfiles {
		parts := strings.SplitN(pair, "=", 2)
		if len(parts) != 2 {
			fmt.Fprintf(os.Stderr, "-varfiles %s: expected TEMPLATE_DIR=VARFILE_DIR\n", pair)
			os.Exit(2)
		}
		m := load(parts[0])
		files, _ := filepath.Glob(filepath.Join(parts[1], "*.pkrvars.hcl"))
		if len(files) == 0 {
			problems++
			fmt.Printf("%s: no .pkrvars.hcl image definition\n", parts[1])
		}
		for _, f := range files {
			m.checkVarfile(f)
			checked++
		}
	}
	if problems > 0 {
		fmt.Printf("hclcheck: %d problem(s)\n", problems)
		os.Exit(1)
	}
	fmt.Printf("hclcheck: %d module(s) and %d image definition(s) are consistent\n", len(modules), checked)
}
