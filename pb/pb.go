// Package pb holds the gRPC service that carries DNS messages in wire format,
// generated from dns.proto.
package pb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative dns.proto
