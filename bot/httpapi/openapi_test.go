package httpapi

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/qualbot/qualbot/bot"
)

// TestOpenAPI checks the OpenAPI document against the handlers: the same
// paths and methods, admin security exactly on the admin routes, and every
// error code the API can send listed in the Error schema.
func TestOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security  []map[string][]string `yaml:"security"`
			Responses map[string]any        `yaml:"responses"`
		} `yaml:"paths"`
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `yaml:"enum"`
								} `yaml:"code"`
							} `yaml:"properties"`
						} `yaml:"error"`
					} `yaml:"properties"`
				} `yaml:"Error"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = len(op.Security) > 0
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses documented", key)
			}
			if _, ok := op.Responses["200"]; !ok {
				t.Errorf("%s: no 200 response documented", key)
			}
			if _, ok := op.Responses["401"]; ok != documented[key] {
				t.Errorf("%s: 401 documented = %v, want it exactly on admin routes", key, ok)
			}
		}
	}
	served := map[string]bool{}
	for _, rt := range routes {
		// The mux's {path...} is OpenAPI's {path}.
		served[rt.method+" "+strings.ReplaceAll(rt.path, "...}", "}")] = rt.admin
	}
	for key, admin := range served {
		d, ok := documented[key]
		switch {
		case !ok:
			t.Errorf("%s is served but not documented", key)
		case d != admin:
			t.Errorf("%s: documented as admin = %v, served as admin = %v", key, d, admin)
		}
	}
	for key := range documented {
		if _, ok := served[key]; !ok {
			t.Errorf("%s is documented but not served", key)
		}
	}
	codes := doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	for _, code := range slices.Sorted(maps.Keys(bot.APIErrors)) {
		if !slices.Contains(codes, code) {
			t.Errorf("error code %q is not in the OpenAPI Error schema", code)
		}
	}
	for _, code := range codes {
		if _, ok := bot.APIErrors[code]; !ok {
			t.Errorf("the OpenAPI Error schema lists %q, which has no message", code)
		}
	}
}
