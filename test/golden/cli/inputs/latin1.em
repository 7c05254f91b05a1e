model latin1 {
  // café
}
