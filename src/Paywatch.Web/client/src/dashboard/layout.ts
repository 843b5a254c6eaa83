// Where each widget sits on CloudWatch's 24-column dashboard grid. The rules are those of the dashboard body
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
// width defaults to 6 (1–24), height to 6 (1–1000), x (0–23) and y (0+) to "the next available position".
// A widget placed by hand keeps its place; the others then take, in body order, the first free spot in reading
// order (top row first, then left to right) where they fit without covering anything already placed.

export const GRID_COLUMNS = 24;
export const DEFAULT_SIZE = 6;
const MAX_HEIGHT = 1000;

export interface GridSpec {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

export interface GridPlacement {
  x: number;
  y: number;
  width: number;
  height: number;
}

const whole = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : null;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The grid cell of every widget, in the order given. */
export function placeWidgets(widgets: readonly GridSpec[]): GridPlacement[] {
  const occupied = new Occupancy();
  const placements: (GridPlacement | null)[] = widgets.map(widget => {
    const width = clamp(whole(widget.width) ?? DEFAULT_SIZE, 1, GRID_COLUMNS);
    const height = clamp(whole(widget.height) ?? DEFAULT_SIZE, 1, MAX_HEIGHT);
    const x = whole(widget.x);
    const y = whole(widget.y);
    if (x === null || y === null) return null;
    // A widget that would stick out on the right is moved left so that it stays whole.
    const placement = { x: clamp(x, 0, GRID_COLUMNS - width), y: Math.max(0, y), width, height };
    occupied.fill(placement);
    return placement;
  });
  return placements.map((placement, index) => {
    if (placement) return placement;
    const widget = widgets[index]!;
    const width = clamp(whole(widget.width) ?? DEFAULT_SIZE, 1, GRID_COLUMNS);
    const height = clamp(whole(widget.height) ?? DEFAULT_SIZE, 1, MAX_HEIGHT);
    const spot = occupied.firstFree(width, height);
    const auto = { ...spot, width, height };
    occupied.fill(auto);
    return auto;
  });
}

/** Which cells are taken, row by row. */
class Occupancy {
  private readonly rows: boolean[][] = [];

  fill(area: GridPlacement): void {
    for (let row = area.y; row < area.y + area.height; row++) {
      const cells = (this.rows[row] ??= new Array<boolean>(GRID_COLUMNS).fill(false));
      for (let column = area.x; column < area.x + area.width; column++) cells[column] = true;
    }
  }

  firstFree(width: number, height: number): { x: number; y: number } {
    for (let y = 0; ; y++) {
      for (let x = 0; x + width <= GRID_COLUMNS; x++) {
        if (this.isFree(x, y, width, height)) return { x, y };
      }
    }
  }

  private isFree(x: number, y: number, width: number, height: number): boolean {
    for (let row = y; row < y + height; row++) {
      const cells = this.rows[row];
      if (!cells) continue;
      for (let column = x; column < x + width; column++) if (cells[column]) return false;
    }
    return true;
  }
}

/** The widgets' indexes in reading order (by row, then column): the order in which a narrow screen stacks them. */
export function readingOrder(placements: readonly GridPlacement[]): number[] {
  return placements.map((_, index) => index).sort((a, b) => {
    const pa = placements[a]!;
    const pb = placements[b]!;
    return pa.y - pb.y || pa.x - pb.x || a - b;
  });
}
