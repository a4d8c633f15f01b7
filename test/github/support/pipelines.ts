/** A pipeline that validates cleanly. */
export function goodPipeline(name: string): string {
  return `version: "2.1"
name: ${name}
stages:
  - name: build
    tasks:
      - name: hello
        type: shell
        command: echo hello
`;
}

/** Two errors: an unknown task type on line 7 and an unknown dependency on line 11. */
export const BAD_PIPELINE = `version: "2.1"
name: broken
stages:
  - name: build
    tasks:
      - name: hello
        type: shel
        command: echo hello
      - name: bye
        type: shell
        dependencies: [nowhere]
        command: echo bye
`;
