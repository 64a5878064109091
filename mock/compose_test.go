package mock

import (
	"reflect"
	"testing"
)

// TestEchoMiddlewareListsStayEmpty guards composeOnce: ServeHTTP runs the
// chain New composed, so middleware given to Echo's Use or Pre would
// silently never run.
func TestEchoMiddlewareListsStayEmpty(t *testing.T) {
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := reflect.ValueOf(m.echo).Elem()
	for _, field := range []string{"middleware", "premiddleware"} {
		f := e.FieldByName(field)
		if !f.IsValid() {
			t.Fatalf("echo.Echo has no field %s any more: check that ServeHTTP still does what Echo's does", field)
		}
		if f.Len() != 0 {
			t.Errorf("echo's %s list holds %d entries, which the mock never runs: add them to the chain in New", field, f.Len())
		}
	}
}
