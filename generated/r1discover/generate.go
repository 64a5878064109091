// Package r1discover holds the Go types, Echo server interface and client
// generated from openapi/r1discover.yaml.
package r1discover

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/r1discover.yaml
