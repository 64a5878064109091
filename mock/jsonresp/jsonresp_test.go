package jsonresp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/jsonresp"
)

// fixedAnswer encodes itself as its text, to show Write hands an Appender
// its own encoding.
type fixedAnswer string

func (a fixedAnswer) AppendJSON(dst []byte) []byte { return append(dst, a...) }

func TestWrite(t *testing.T) {
	cases := []struct {
		name     string
		v        any
		preset   string // a Content-Type set before Write, kept
		wantBody string
		wantType string
	}{
		{"struct through encoding/json", struct {
			A string `json:"a"`
			B *int   `json:"b,omitempty"`
		}{A: "<&>\u2028"}, "", `{"a":"<&>\u2028"}`, jsonresp.ContentType},
		{"appender", fixedAnswer(`{"own":true}`), "", `{"own":true}`, jsonresp.ContentType},
		{"preset content type", fixedAnswer(`[]`), "application/problem+json", `[]`, "application/problem+json"},
	}
	e := echo.New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
			if tc.preset != "" {
				c.Response().Header().Set(echo.HeaderContentType, tc.preset)
			}
			if err := jsonresp.Write(c, http.StatusTeapot, tc.v); err != nil {
				t.Fatal(err)
			}
			if rec.Code != http.StatusTeapot || rec.Body.String() != tc.wantBody || rec.Header().Get(echo.HeaderContentType) != tc.wantType {
				t.Fatalf("got %d %q %q, want %d %q %q", rec.Code, rec.Header().Get(echo.HeaderContentType), rec.Body,
					http.StatusTeapot, tc.wantType, tc.wantBody)
			}
		})
	}
}

// TestSharedContentTypeStaysIntact checks that adding to the Content-Type
// of one answer cannot change the value every answer shares.
func TestSharedContentTypeStaysIntact(t *testing.T) {
	e := echo.New()
	for range 2 {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
		if err := jsonresp.Write(c, http.StatusOK, fixedAnswer(`{}`)); err != nil {
			t.Fatal(err)
		}
		if got := rec.Header().Values(echo.HeaderContentType); len(got) != 1 || got[0] != jsonresp.ContentType {
			t.Fatalf("Content-Type %q, want only %q", got, jsonresp.ContentType)
		}
		rec.Header().Add(echo.HeaderContentType, "text/plain")
	}
}
