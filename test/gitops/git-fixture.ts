/** A pipeline of one task running a referenced script: v1 and v2 of the tests differ only in the script. */
export function scriptPipeline(name: string, options: { script?: string; top?: string } = {}): string {
  return `version: "2.1"
name: ${name}
${options.top ?? ''}stages:
  - name: main
    tasks:
      - name: write
        type: node_script
        script: ${options.script ?? `scripts/${name}.js`}
`;
}

/** A script that writes one letter to `out.txt` in the task's `OUTPUT_DIR`. */
export function writeLetter(letter: string): string {
  return `require('node:fs').writeFileSync(require('node:path').join(process.env.OUTPUT_DIR ?? '.', 'out.txt'), ${JSON.stringify(letter)});\n`;
}
