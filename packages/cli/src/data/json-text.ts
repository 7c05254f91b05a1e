/**
 * A small scanner over JSON text, used where `JSON.parse` says too little: it finds the first
 * syntax error with its offset and a plain description, and it finds where the value at a
 * path (`x`, 12, 1) lies in the text, so data diagnostics can point at the offending entry.
 */

export interface JsonSyntaxError {
  readonly offset: number;
  readonly detail: string;
}

/** A path into a JSON document: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

class Stop {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {}
}

class Scanner {
  pos = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  private fail(detail: string, offset = this.pos): never {
    throw new Stop(offset, this.pos >= this.text.length ? `${detail}, but the file ends` : detail);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos++;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  private expect(ch: string, what: string): void {
    this.skipSpace();
    if (this.peek() !== ch) this.fail(`expected ${what}${this.found()}`);
    this.pos++;
  }

  private found(): string {
    if (this.pos >= this.text.length) return '';
    const c = this.peek();
    return `, found '${c === '\n' ? '\\n' : c}'`;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Skips one value, checking its syntax; returns its [start, end) offsets. */
  value(): [number, number] {
    this.skipSpace();
    const start = this.pos;
    const c = this.peek();
    if (c === '{') this.object(() => this.value());
    else if (c === '[') this.array(() => this.value());
    else if (c === '"') this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.number();
    else if (/^(true|false|null)/.test(this.text.slice(this.pos, this.pos + 5))) {
      this.pos += this.text.startsWith('false', this.pos) ? 5 : 4;
    } else {
      const word = /^[A-Za-z_]+/.exec(this.text.slice(this.pos, this.pos + 20))?.[0];
      if (word === 'NaN' || word === 'Infinity')
        this.fail(`${word} is not allowed in JSON; write null for a missing value`);
      if (word !== undefined) this.fail(`'${word}' is not a JSON value (strings need double quotes)`);
      this.fail(`expected a value${this.found()}`);
    }
    return [start, this.pos];
  }

  /** Walks an object, calling `member` for each value after its key has been read. */
  object(member: (key: string) => void): void {
    this.pos++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') this.fail(`expected a key in double quotes${this.found()}`);
      const key = this.string();
      this.expect(':', `':' after the key "${key}"`);
      member(key);
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
        if (this.peek() === '}') this.fail('a trailing comma before } is not allowed in JSON');
        continue;
      }
      if (this.peek() === '}') {
        this.pos++;
        return;
      }
      this.fail(`expected ',' or '}' after the value of "${key}"${this.found()}`);
    }
  }

  /** Walks an array, calling `entry` for each entry. */
  array(entry: (index: number) => void): void {
    this.pos++;
    this.skipSpace();
    if (this.peek() === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      entry(i);
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
        if (this.peek() === ']') this.fail('a trailing comma before ] is not allowed in JSON');
        continue;
      }
      if (this.peek() === ']') {
        this.pos++;
        return;
      }
      this.fail(`expected ',' or ']' after an array entry${this.found()}`);
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      }
      if (c === '\n') this.fail('a string runs past the end of its line (missing closing quote?)', start);
      if (c === '\\') {
        const esc = this.text.charAt(this.pos + 1);
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('a bad \\u escape');
          this.pos += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(esc) || esc === '') this.fail(`a bad escape '\\${esc}' in a string`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    return this.fail('a string is not closed', start);
  }

  number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    const start = this.pos;
    if (!match || match[0] === '' || match[0] === '-') this.fail('a malformed number');
    this.pos += match[0].length;
    if (/[0-9A-Za-z.]/.test(this.peek())) this.fail(`a malformed number '${match[0]}${this.peek()}…'`, start);
  }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const s = new Scanner(text);
  try {
    s.value();
    if (!s.atEnd()) return { offset: s.pos, detail: 'unexpected text after the end of the data' };
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, detail: e.detail };
    throw e;
  }
}

/**
 * The [start, end) offsets of the value at `path` in valid JSON `text` (for an object key:
 * its value), or of the deepest enclosing value that exists.
 */
export function locateJsonValue(text: string, path: JsonPath): [number, number] | undefined {
  const s = new Scanner(text);
  try {
    s.skipSpace();
    let range: [number, number] = [s.pos, text.length];
    for (const step of path) {
      s.skipSpace();
      const container = s.peek();
      let found: [number, number] | undefined;
      const probe = (): void => {
        const r = s.value();
        if (!found) found = r;
      };
      if (typeof step === 'string' && container === '{') {
        s.object((key) => (key === step && !found ? probe() : void s.value()));
      } else if (typeof step === 'number' && container === '[') {
        s.array((i) => (i === step && !found ? probe() : void s.value()));
      } else {
        return range;
      }
      if (!found) return range;
      range = found;
      s.pos = found[0];
    }
    return range;
  } catch (e) {
    if (e instanceof Stop) return undefined;
    throw e;
  }
}
