/** A small shaded preview of an OBJ mesh on a canvas; arrow keys turn it. */
export function objPreview(text: string, label: string): HTMLCanvasElement {
  const vertices: [number, number, number][] = [];
  const faces: number[][] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'v') vertices.push([Number(parts[1]), Number(parts[2]), Number(parts[3])]);
    else if (parts[0] === 'f') faces.push(parts.slice(1).map((p) => Number(p.split('/')[0]) - 1));
  }
  const canvas = document.createElement('canvas');
  canvas.width = 240;
  canvas.height = 240;
  canvas.tabIndex = 0;
  canvas.className = 'obj-preview';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const scale = Math.max(1e-9, ...vertices.flat().map(Math.abs));
  let yaw = 0.6;
  let pitch = 0.4;
  const draw = () => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch)];
    const projected = vertices.map(([x, y, z]) => {
      const x1 = x * cy - z * sy;
      const z1 = x * sy + z * cy;
      const y1 = y * cp - z1 * sp;
      const z2 = y * sp + z1 * cp;
      return [120 + (x1 / scale) * 95, 120 - (y1 / scale) * 95, z2] as const;
    });
    ctx.fillStyle = '#f4f1ea';
    ctx.fillRect(0, 0, 240, 240);
    const drawn = faces
      .filter((f) => f.every((i) => projected[i]))
      .map((f) => ({ f, depth: f.reduce((d, i) => d + projected[i]![2], 0) / f.length }))
      .sort((a, b) => a.depth - b.depth);
    for (const { f, depth } of drawn) {
      const light = Math.round(150 + 80 * Math.max(-1, Math.min(1, depth / scale)));
      ctx.fillStyle = `rgb(${light - 60}, ${light - 20}, ${light})`;
      ctx.strokeStyle = '#2b3a55';
      ctx.lineWidth = 0.5;
      ctx.beginPath();
      f.forEach((i, k) => {
        const [x, y] = projected[i]!;
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
  };
  canvas.addEventListener('keydown', (e) => {
    const turns: Record<string, [number, number]> = {
      ArrowLeft: [-0.2, 0],
      ArrowRight: [0.2, 0],
      ArrowUp: [0, -0.2],
      ArrowDown: [0, 0.2],
    };
    const turn = turns[e.key];
    if (!turn) return;
    e.preventDefault();
    yaw += turn[0];
    pitch += turn[1];
    draw();
  });
  draw();
  return canvas;
}
