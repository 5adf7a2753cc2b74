package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
)

// Each worker of a pipeline opens the same store and makes a shared detector
// on it; whichever worker gets a story, its verdict takes in the stories of
// all of them. (Not run: it needs a Redis server.)
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := redisstore.Open(ctx, "redis://127.0.0.1:6379/0", "newsroom")
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	d, err := dedup.NewSharedDetector(ctx, dedup.Config{}, store)
	if err != nil {
		log.Fatal(err) // a configuration that differs from the other workers' is dedup.ErrStoreConfig
	}
	r, err := d.AddContext(ctx, dedup.Story{ID: "wire-1", Text: "Heavy rain flooded the old town of Porto on Monday."})
	if err != nil {
		log.Fatal(err) // the server failing is dedup.ErrStore; the story is then not added, or added once
	}
	fmt.Println(r.Kind, r.Cluster)
}
