package validation

import (
	"encoding/json"
	"net/mail"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorsuite/contracts/mock/problem"
)

func TestCalendarDatesAndEmailAddresses(t *testing.T) {
	for s, want := range map[string]bool{
		"1995-10-01": true, "2024-02-29": true, "2023-02-29": false, "1995-02-30": false, "1995-13-01": false,
		"1995-1-01": false, "95-10-01": false, "1995-10-01T00:00:00Z": false, "": false,
	} {
		if got := IsDate(s); got != want {
			t.Errorf("IsDate(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"john.doe@example.com": true, "user@localhost": true, "Zoë@exämple.com": true,
		"": false, "not-an-email": false, " john.doe@example.com": false, "john.doe@example.com ": false,
		"John <john@example.com>": false, "@example.com": false, "john@": false, "a@b@c": false,
	} {
		if got := EmailAddress(s); got != want {
			t.Errorf("EmailAddress(%q) = %v", s, got)
		}
	}
}

// reduce keeps exactly the declared members, follows the discriminator
// into the chosen branch, and words refused members by policy.
func TestReduceKeepsOnlyDeclaredMembers(t *testing.T) {
	str := openapi3.NewStringSchema()
	profile := openapi3.NewObjectSchema().WithProperty("email", str).WithProperty("dob", str)
	email := openapi3.NewObjectSchema().WithProperty("newEmail", str)
	req := func(data *openapi3.Schema) *openapi3.Schema {
		return openapi3.NewObjectSchema().WithProperty("action", str).WithProperty("data", data)
	}
	root := &openapi3.Schema{
		OneOf: openapi3.SchemaRefs{{Ref: "#/p", Value: req(profile)}, {Ref: "#/e", Value: req(email)}},
		Discriminator: &openapi3.Discriminator{PropertyName: "action", Mapping: map[string]openapi3.MappingRef{
			"P": {Ref: "#/p"}, "E": {Ref: "#/e"}}},
	}
	body := map[string]any{"action": "P", "Action": "E", "data": map[string]any{
		"email": "a@example.com", "DOB": "garbage", "dob": "1995-10-01", "newEmail": "x@example.com", "colour": "blue"}}
	var refused []problem.Field
	got := reduce(root, body, ignoreUnknown, nil, &refused)
	want := map[string]any{"action": "P", "data": map[string]any{"email": "a@example.com", "dob": "1995-10-01"}}
	if !reflect.DeepEqual(got, want) || len(refused) != 0 {
		t.Fatalf("ignore: got %v, refused %v", got, refused)
	}
	reduce(root, body, refuseOtherCase, nil, &refused)
	var msgs []string
	for _, r := range refused {
		msgs = append(msgs, r.Message)
	}
	if len(msgs) != 2 {
		t.Fatalf("refuse-other-case: %q", msgs)
	}
	for _, m := range []string{"Action is not a field; the field is spelled action", "data.DOB is not a field; the field is spelled dob"} {
		found := false
		for _, g := range msgs {
			found = found || g == m
		}
		if !found {
			t.Errorf("refuse-other-case: %q lacks %q", msgs, m)
		}
	}
}

// reduce copies only what it changes: whatever order the members come
// in, the result holds exactly the declared ones, the input is left as
// it was, and a value with nothing to drop is returned as it is.
func TestReduceCopiesOnlyWhatItChanges(t *testing.T) {
	str := openapi3.NewStringSchema()
	item := openapi3.NewObjectSchema().WithProperty("code", str)
	root := openapi3.NewObjectSchema().WithProperty("a", str).WithProperty("b", str).WithProperty("c", str).
		WithProperty("d", str).WithProperty("list", openapi3.NewArraySchema().WithItems(item))
	input := func() map[string]any {
		return map[string]any{"a": "1", "x": "drop", "b": "2", "y": "drop", "c": "3", "d": "4",
			"list": []any{map[string]any{"code": "en"}, map[string]any{"code": "fr", "z": "drop"}}}
	}
	want := map[string]any{"a": "1", "b": "2", "c": "3", "d": "4",
		"list": []any{map[string]any{"code": "en"}, map[string]any{"code": "fr"}}}
	for range 50 { // map order differs from run to run
		body := input()
		var refused []problem.Field
		if got := reduce(root, body, ignoreUnknown, nil, &refused); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if !reflect.DeepEqual(body, input()) {
			t.Fatalf("the input changed: %v", body)
		}
	}
	clean := map[string]any{"a": "1", "list": []any{map[string]any{"code": "en"}}}
	var refused []problem.Field
	got, changed := reduced(root, clean, nil, ignoreUnknown, nil, &refused)
	if changed || reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(clean).UnsafePointer() {
		t.Fatalf("a value with nothing to drop was copied (changed %v)", changed)
	}
}

// The plain-address shortcut never accepts what net/mail would refuse:
// every string it accepts, over an alphabet rich in the characters that
// matter, is one the full check accepts too.
func TestPlainAddressesAgreeWithNetMail(t *testing.T) {
	alphabet := []byte("ab.@-_+Z9 \"<>()[]\\,;:é")
	var walk func(prefix []byte, depth int)
	checked := 0
	walk = func(prefix []byte, depth int) {
		s := string(prefix)
		if plainAddress(s) {
			checked++
			a, err := mail.ParseAddress(s)
			if err != nil || a.Name != "" || a.Address != s {
				t.Fatalf("plainAddress accepts %q, net/mail gives %v, %v", s, a, err)
			}
		}
		if depth == 0 {
			return
		}
		for _, c := range alphabet {
			walk(append(prefix, c), depth-1)
		}
	}
	walk(nil, 5)
	if checked < 1000 {
		t.Fatalf("only %d plain addresses checked", checked)
	}
	for _, s := range []string{"john.doe@example.com", "client+tag@r1.example.com", "a_b-c@x-y.co"} {
		if !plainAddress(s) {
			t.Errorf("plainAddress(%q) = false", s)
		}
	}
}

// Decode reads the body as sent only when it says exactly what the
// accepted value says: the member counts agree for any body, and differ
// when a member was sent twice (the decoded value keeps only the last).
func TestRawBodyStandsForTheValueOnlyWithoutRepeatedMembers(t *testing.T) {
	for body, same := range map[string]bool{
		`{"a\":b":1,"c":"x:y","d":{"e":[1,{"f":"\\"}],"g":null}}`: true,
		`[{"a":1},{"a":2}]`:               true,
		`"just: a string"`:                true,
		`{}`:                              true,
		`{"data":{"a":1},"data":{"b":2}}`: false,
		`{"a":1,"b":{"c":1,"c":2}}`:       false,
	} {
		var value any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			t.Fatal(err)
		}
		if got := members(value) == rawMembers([]byte(body)); got != same {
			t.Errorf("%s: members %d, raw members %d", body, members(value), rawMembers([]byte(body)))
		}
	}
}
