"""The map's shapes: `shapes` reads the committed data files (standard library only);
`build` makes them offline (`dxgov map build`, needs shapely)."""
