// Package care360 holds the Go types, Echo server interface and client
// generated from openapi/care360.yaml.
package care360

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/care360.yaml
